"""The engine's layers against PyTorch's own operations."""
import pytest
import torch
import torch.nn.functional as F

from hvae_torch.layers import ParamStore, WnConv, normalised_weight


@pytest.mark.parametrize('kernel,stride', [(2, 2), (3, 2), (4, 2), (5, 2), (3, 3), (4, 3), (5, 3)])
def test_tied_up_sampling_is_the_transposed_convolution_cropped_as_tensorflow_does(kernel, stride):
    """The sub-pixel form the engine computes against conv_transpose2d, which it replaces for speed."""
    conv = WnConv(ParamStore(3), 'up', 5, 4, kernel, stride, 'up', up_kernel='transposed').double()
    with torch.no_grad():
        conv.v.normal_(generator=torch.Generator().manual_seed(kernel * 10 + stride))
    x = torch.randn(2, 5, 7, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    w = normalised_weight(conv.v, None)  # g = 1 and b = 0
    before = max(kernel - stride, 0) // 2
    want = F.conv_transpose2d(x, w.permute(2, 3, 0, 1), stride=stride, padding=before)[:, :, :7 * stride, :6 * stride]
    got = conv(x)
    assert got.shape == want.shape
    assert torch.allclose(got, want, atol=1e-12, rtol=0)
