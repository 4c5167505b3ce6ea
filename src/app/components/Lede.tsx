/** What the app is about, in three sentences: under the header, or on the playground under the live tool. */
export function Lede() {
  return (
    <p className="lede">
      A hierarchical VAE trained on one dataset scores your image with its ELBO and with the looser bounds L&gt;k that take the lowest k latents from the
      prior. The likelihood ratio LLR&gt;k = L&gt;0 − L&gt;k flags images whose high-level features the model has not seen (Havtorn et al., ICML 2021).
    </p>
  );
}
