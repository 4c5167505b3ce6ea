"""Letters A-J from Debian fonts, notMNIST-style: writes datasets/letters/ (gzipped IDX files as MNIST's,
labels 0-9 for A-J, and manifest.json naming every font file used, its Debian package and its split).

notMNIST (Bulatov, 2011) was made from glyphs of public fonts; this set is made the same way from the
fonts of the Debian packages in PACKAGES, and is not notMNIST. Every face of their TrueType and OpenType
files renders A-J at GLYPH_PX, white on black; each glyph is cropped to its ink, scaled with area averaging
so that its longer side fills 28 px (aspect ratio kept, anti-aliased grey levels) and centred in 28x28,
8 bits per pixel. A face is left out when a letter renders empty or as the font's .notdef glyph, when two
of its letters render the same, when it is named in EXCLUDED (symbols, letters in frames or unreadable at
28x28: found by looking at every face of which a nearest-neighbour classifier of the other families read
at most 7 letters right), or when it renders exactly as an earlier face. At most FACES_PER_FAMILY faces of
one family are kept, the most different ones (farthest-point order), so that the weights of a few large
families do not dominate. Families whose faces render nearly alike (RMS pixel difference below NEAR_RMS:
metric clones such as Arimo and Liberation Sans) form one group; groups, never families, are split between
train and test (TEST_SHARE of the images in test, groups drawn by SEED), and an image identical to an
earlier one is dropped, so no family and no image is in both splits.

Deterministic given the installed fonts, Pillow and FreeType (their versions go into the manifest).
Usage (Debian's Python, which has Pillow and NumPy):
    apt-get install -y --no-install-recommends python3-pil python3-numpy <PACKAGES>
    /usr/bin/python3 datasets/make_letters.py [--out datasets/letters]     (npm run make-letters)
"""
import argparse
import gzip
import json
import platform
import re
import subprocess
import sys
from pathlib import Path

try:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont, features
    import PIL
except ImportError as e:
    sys.exit(f'{e}: run this with a Python that has Pillow and NumPy (Debian: apt-get install -y python3-pil python3-numpy; /usr/bin/python3)')

LETTERS = 'ABCDEFGHIJ'
SIDE = 28
GLYPH_PX = 128
FACES_PER_FAMILY = 12
NEAR_RMS = 0.1
TEST_SHARE = 0.15
SEED = 20110908
FONT_SUFFIXES = ('.ttf', '.otf', '.ttc', '.otc')
COLLECTION_SUFFIXES = ('.ttc', '.otc')
# A code point no font maps: what a font draws for it is its .notdef glyph.
UNMAPPED = '\U0010FFFD'

PACKAGES = (
    'fonts-3270', 'fonts-adf-accanthis', 'fonts-adf-baskervald', 'fonts-adf-berenis', 'fonts-adf-gillius',
    'fonts-adf-ikarius', 'fonts-adf-irianis', 'fonts-adf-libris', 'fonts-adf-mekanus', 'fonts-adf-oldania',
    'fonts-adf-romande', 'fonts-adf-solothurn', 'fonts-adf-switzera', 'fonts-adf-tribun', 'fonts-adf-universalis',
    'fonts-adf-verana', 'fonts-aenigma', 'fonts-agave', 'fonts-allerta', 'fonts-anonymous-pro', 'fonts-apropal',
    'fonts-arapey', 'fonts-arkpandora', 'fonts-averia-gwf', 'fonts-averia-sans-gwf', 'fonts-averia-serif-gwf',
    'fonts-b612', 'fonts-babelstone-modern', 'fonts-bajaderka', 'fonts-bebas-neue', 'fonts-beteckna',
    'fonts-blankenburg', 'fonts-breip', 'fonts-bwht', 'fonts-cabin', 'fonts-cabinsketch', 'fonts-cantarell',
    'fonts-cardo', 'fonts-century-catalogue', 'fonts-cherrybomb', 'fonts-clear-sans', 'fonts-cmu', 'fonts-comfortaa',
    'fonts-comic-neue', 'fonts-compagnon', 'fonts-courier-prime', 'fonts-croscore', 'fonts-crosextra-caladea',
    'fonts-crosextra-carlito', 'fonts-dancingscript', 'fonts-dejavu-core', 'fonts-dejavu-extra',
    'fonts-dkg-handwriting', 'fonts-dosis', 'fonts-dustin', 'fonts-ebgaramond', 'fonts-ebgaramond-extra',
    'fonts-ecolier-court', 'fonts-elstob', 'fonts-engadget', 'fonts-essays1743', 'fonts-eurofurence', 'fonts-f500',
    'fonts-fantasma', 'fonts-fantasque-sans', 'fonts-fanwood', 'fonts-femkeklaver', 'fonts-ferrite-core',
    'fonts-firacode', 'fonts-freefont-ttf', 'fonts-gamaliel', 'fonts-georgewilliams', 'fonts-gfs-neohellenic',
    'fonts-gnutypewriter', 'fonts-go', 'fonts-gotico-antiqua', 'fonts-goudybookletter', 'fonts-hack', 'fonts-havana',
    'fonts-hermit', 'fonts-humor-sans', 'fonts-inconsolata', 'fonts-inter', 'fonts-isabella', 'fonts-jetbrains-mono',
    'fonts-johnsmith-induni', 'fonts-joscelyn', 'fonts-junction', 'fonts-junicode', 'fonts-jura', 'fonts-karla',
    'fonts-karmilla', 'fonts-kaushanscript', 'fonts-klaudia-berenika', 'fonts-kristi', 'fonts-lato',
    'fonts-le-murmure', 'fonts-league-mono', 'fonts-league-spartan', 'fonts-leckerli-one', 'fonts-lemonada',
    'fonts-levien-museum', 'fonts-levien-typoscript', 'fonts-liberation', 'fonts-liberation2', 'fonts-lindenhill',
    'fonts-linuxlibertine', 'fonts-lmodern', 'fonts-lobster', 'fonts-lobstertwo', 'fonts-lyx', 'fonts-manrope',
    'fonts-mathjax', 'fonts-millimetre', 'fonts-monofur', 'fonts-monoid', 'fonts-mononoki', 'fonts-mph-2b-damase',
    'fonts-national-park', 'fonts-noto-core', 'fonts-noto-extra', 'fonts-noto-mono', 'fonts-ocr-a', 'fonts-ocr-b',
    'fonts-okolaks', 'fonts-oldstandard', 'fonts-open-sans', 'fonts-opendin', 'fonts-opendyslexic', 'fonts-osifont',
    'fonts-oxygen', 'fonts-paratype', 'fonts-play', 'fonts-povray', 'fonts-prociono', 'fonts-quattrocento',
    'fonts-quicksand', 'fonts-radisnoir', 'fonts-rampart', 'fonts-roadgeek', 'fonts-roboto-slab',
    'fonts-roboto-unhinted', 'fonts-routed-gothic', 'fonts-rufscript', 'fonts-sil-andika', 'fonts-sil-charis',
    'fonts-sil-doulos', 'fonts-sil-gentium', 'fonts-sil-gentium-basic', 'fonts-sil-gentiumplus', 'fonts-sixtyfour',
    'fonts-sjfonts', 'fonts-solide-mirage', 'fonts-sora', 'fonts-staypuft', 'fonts-stick', 'fonts-stix',
    'fonts-summersby', 'fonts-texgyre', 'fonts-tiresias', 'fonts-tlwg-garuda-ttf', 'fonts-tlwg-kinnari-ttf',
    'fonts-tlwg-laksaman-ttf', 'fonts-tlwg-loma-ttf', 'fonts-tlwg-mono-ttf', 'fonts-tlwg-norasi-ttf',
    'fonts-tlwg-purisa-ttf', 'fonts-tlwg-sawasdee-ttf', 'fonts-tlwg-typewriter-ttf', 'fonts-tlwg-typist-ttf',
    'fonts-tlwg-typo-ttf', 'fonts-tlwg-umpush-ttf', 'fonts-tlwg-waree-ttf', 'fonts-tomsontalks', 'fonts-train',
    'fonts-triod-postnaja', 'fonts-tuffy', 'fonts-ubuntu-title', 'fonts-uralic', 'fonts-urw-base35', 'fonts-vollkorn',
    'fonts-yanone-kaffeesatz', 'fonts-yrsa-rasa', 'ttf-bitstream-vera',
)

_SYMBOLS = 'symbols, not the letters A-J'
_FRAMED = 'letters inside frames, boxes or shapes that fill the image'
_UNREADABLE = 'letters not readable at 28x28 (layers, cubes, rotated or pictorial glyphs)'
# By family name, or "family / style" for one face.
EXCLUDED = {
    'D050000L': _SYMBOLS, 'Standard Symbols PS': 'Greek letters in the places of A-J', 'cmex10': _SYMBOLS,
    'msam10': _SYMBOLS, 'stmary10': _SYMBOLS, 'wasy10': _SYMBOLS, '90 Stars BRK': _SYMBOLS, 'Faux Snow BRK': _SYMBOLS,
    'Line Dings BRK': _SYMBOLS, 'Head-Ding Maker BRK': _SYMBOLS, 'Bit Blocks TTF BRK': _SYMBOLS, 'Symmetry BRK': _SYMBOLS,
    'Binary 01s BRK': _SYMBOLS, 'Snailets BRK': _SYMBOLS, 'Numskull BRK': _SYMBOLS,
    'Linux Biolinum Keyboard O': _FRAMED, 'OCR B / Inverted': _FRAMED, 'OCR B / Inverted Sharp': _FRAMED,
    '18 Holes BRK': _FRAMED, 'Binary BRK': _FRAMED, 'Circulate BRK': _FRAMED, 'Double Bogey BRK': _FRAMED,
    'Encapsulate BRK': _FRAMED, 'Hearts BRK': _FRAMED, 'Mishmash 4x4o BRK': _FRAMED, 'Nucleus BRK': _FRAMED,
    'Spheroids BRK': _FRAMED, 'Tearful BRK': _FRAMED, 'Xmas Lights BRK': _FRAMED,
    '3D LET BRK': _UNREADABLE, 'Bandwidth BRK': _UNREADABLE, 'DB Layer 1 BRK': _UNREADABLE,
    'DB Layer 2 BRK': _UNREADABLE, 'DB Layer 3 BRK': _UNREADABLE, 'DB Layer 4 BRK': _UNREADABLE,
    'Entangled Layer B BRK': _UNREADABLE, 'Graze BRK': _UNREADABLE, 'Qbicle 1 BRK': _UNREADABLE,
    'Qbicle 2 BRK': _UNREADABLE, 'Qbicle 3 BRK': _UNREADABLE, 'Qbicle 4 BRK': _UNREADABLE,
    'Vertigo BRK': _UNREADABLE, 'Vertigo 2 BRK': _UNREADABLE,
}

IDX_FILES = {
    'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
}


def installed_packages():
    """Package -> version for every package of PACKAGES; exits naming the install command when some are missing."""
    out = subprocess.run(['dpkg-query', '-W', '-f=${Package} ${Version} ${db:Status-Status}\\n', *PACKAGES],
                         capture_output=True, text=True).stdout
    versions = {p: v for p, v, status in (line.split(' ') for line in out.splitlines()) if status == 'installed'}
    missing = [p for p in PACKAGES if p not in versions]
    if missing:
        sys.exit(f'{len(missing)} font packages are not installed: apt-get install -y --no-install-recommends {" ".join(missing)}')
    return versions


def font_files():
    """(path, package) of every TrueType/OpenType file of PACKAGES, in path order."""
    owner = {}
    for p in PACKAGES:
        listing = subprocess.run(['dpkg-query', '-L', p], capture_output=True, text=True, check=True).stdout
        for path in listing.splitlines():
            if path.lower().endswith(FONT_SUFFIXES) and Path(path).is_file():
                owner.setdefault(path, p)
    return sorted(owner.items())


def ink(font, ch):
    """The glyph drawn white on black at GLYPH_PX, cropped to its ink; None when it has none."""
    left, top, right, bottom = font.getbbox(ch)
    pad = GLYPH_PX
    canvas = Image.new('L', (max(1, right - left) + 2 * pad, max(1, bottom - top) + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), ch, font=font, fill=255)
    box = canvas.getbbox()
    return None if box is None else canvas.crop(box)


def fit(glyph):
    """The glyph scaled by area averaging so its longer side is 28 px, centred in 28x28."""
    w, h = glyph.size
    s = SIDE / max(w, h)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    out = Image.new('L', (SIDE, SIDE), 0)
    out.paste(glyph.resize(size, Image.Resampling.BOX), ((SIDE - size[0]) // 2, (SIDE - size[1]) // 2))
    return np.asarray(out)


def render_face(font):
    """The ten letters as uint8 [10, 28, 28], or the reason the face is left out."""
    glyphs = [ink(font, ch) for ch in LETTERS]
    if any(g is None for g in glyphs):
        return 'a letter renders empty'
    notdef = ink(font, UNMAPPED)
    if notdef is not None and any(g.size == notdef.size and g.tobytes() == notdef.tobytes() for g in glyphs):
        return 'a letter is missing (renders as .notdef)'
    images = np.stack([fit(g) for g in glyphs])
    if len({im.tobytes() for im in images}) < len(LETTERS):
        return 'two letters render the same'
    return images


def load_faces(files, skipped):
    """Every face that renders A-J, in path order: dicts with file, index, package, family, style, images."""
    faces, seen = [], set()
    for path, package in files:
        indices = range(64) if path.lower().endswith(COLLECTION_SUFFIXES) else range(1)
        for index in indices:
            try:
                font = ImageFont.truetype(path, GLYPH_PX, index=index, layout_engine=ImageFont.Layout.BASIC)
            except OSError:
                if index == 0:
                    skipped['the file does not load'] = skipped.get('the file does not load', 0) + 1
                break
            family, style = font.getname()
            reason = EXCLUDED.get(family) or EXCLUDED.get(f'{family} / {style}')
            images = render_face(font) if reason is None else reason
            if isinstance(images, np.ndarray) and images.tobytes() in seen:
                images = 'renders exactly as an earlier face'
            if isinstance(images, str):
                skipped[images] = skipped.get(images, 0) + 1
                continue
            seen.add(images.tobytes())
            faces.append(dict(file=path, index=index, package=package, family=family, style=style, images=images))
    return faces


def rms_distances(faces):
    """RMS pixel difference (intensities in [0, 1]) between every two faces' ten letters."""
    v = np.stack([f['images'] for f in faces]).reshape(len(faces), -1).astype(np.float64) / 255
    sq = (v ** 2).sum(1)
    return np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * v @ v.T, 0) / v.shape[1])


def cap_families(faces, skipped):
    """At most FACES_PER_FAMILY faces per family: the first, then each time the one farthest from those kept."""
    dist = rms_distances(faces)
    by_family = {}
    for i, f in enumerate(faces):
        by_family.setdefault(f['family'], []).append(i)
    kept = []
    for members in by_family.values():
        chosen = [members[0]]
        while len(chosen) < min(FACES_PER_FAMILY, len(members)):
            rest = [m for m in members if m not in chosen]
            chosen.append(max(rest, key=lambda m: dist[m, chosen].min()))
        kept += chosen
        if len(members) > len(chosen):
            skipped['beyond the faces kept per family'] = skipped.get('beyond the faces kept per family', 0) + len(members) - len(chosen)
    return [faces[i] for i in sorted(kept)]


def group_families(faces):
    """Sets each face's group: the alphabetically first family among those linked by near-identical faces."""
    dist = rms_distances(faces)
    parent = {f['family']: f['family'] for f in faces}

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for i, j in zip(*np.nonzero(dist < NEAR_RMS)):
        a, b = root(faces[i]['family']), root(faces[j]['family'])
        if a != b:
            parent[max(a, b)] = min(a, b)
    for f in faces:
        f['group'] = root(f['family'])


def split_groups(faces):
    """Test gets whole groups, drawn in a seeded order, until it holds TEST_SHARE of the images."""
    sizes = {}
    for f in faces:
        sizes[f['group']] = sizes.get(f['group'], 0) + len(f['kept'])
    groups = sorted(sizes)
    order = np.random.default_rng(SEED).permutation(len(groups))
    total, in_test, test = sum(sizes.values()), 0, set()
    for k in order:
        if in_test >= TEST_SHARE * total:
            break
        test.add(groups[k])
        in_test += sizes[groups[k]]
    for f in faces:
        f['split'] = 'test' if f['group'] in test else 'train'


def idx_bytes(array):
    """An IDX file of unsigned bytes (type 0x08), dimensions big-endian, as MNIST's."""
    header = bytes([0, 0, 8, array.ndim]) + b''.join(int(d).to_bytes(4, 'big') for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def how_made():
    """The module's account of how the set is made, with the values of its settings in place of their names."""
    text = __doc__.split('\n\n')[1].replace('\n', ' ')
    values = {'GLYPH_PX': f'{GLYPH_PX} px', 'FACES_PER_FAMILY': str(FACES_PER_FAMILY), 'NEAR_RMS': str(NEAR_RMS),
              'TEST_SHARE': f'{TEST_SHARE:.0%}', 'SEED': f'seed {SEED}', 'PACKAGES': '"packages" below',
              'EXCLUDED': 'the list EXCLUDED of datasets/make_letters.py'}
    return re.sub('|'.join(values), lambda m: values[m.group(0)], text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0].replace('\n', ' '))
    parser.add_argument('--out', default=str(Path(__file__).resolve().parent / 'letters'))
    out = Path(parser.parse_args().out)
    versions = installed_packages()
    files = font_files()
    skipped = {}
    faces = cap_families(load_faces(files, skipped), skipped)
    group_families(faces)
    seen = set()
    for f in faces:
        # Letters shared by faces (e.g. an I the same in two weights) are kept once.
        f['kept'] = [k for k, im in enumerate(f['images']) if not (im.tobytes() in seen or seen.add(im.tobytes()))]
    split_groups(faces)
    rng = np.random.default_rng(SEED + 1)
    out.mkdir(parents=True, exist_ok=True)
    manifest_splits = {}
    for split, (images_name, labels_name) in IDX_FILES.items():
        members = [f for f in faces if f['split'] == split]
        images = np.stack([f['images'][k] for f in members for k in f['kept']])
        labels = np.array([k for f in members for k in f['kept']], dtype=np.uint8)
        # Shuffled, so any prefix mixes fonts and letters.
        order = rng.permutation(len(labels))
        (out / images_name).write_bytes(gzip.compress(idx_bytes(images[order]), compresslevel=9, mtime=0))
        (out / labels_name).write_bytes(gzip.compress(idx_bytes(labels[order]), compresslevel=9, mtime=0))
        manifest_splits[split] = {
            'images': int(len(labels)),
            'labelCounts': np.bincount(labels, minlength=len(LETTERS)).tolist(),
            'faces': len(members),
            'families': len({f['family'] for f in members}),
            'groups': len({f['group'] for f in members}),
            'packages': len({f['package'] for f in members}),
            'fonts': [{'file': f['file'], 'index': f['index'], 'package': f['package'], 'family': f['family'],
                       'style': f['style'], 'group': f['group'], 'images': len(f['kept'])} for f in members],
        }
        print(f'{split}: {len(labels)} images of {len(members)} faces, {manifest_splits[split]["families"]} families', file=sys.stderr)
    manifest = {
        'name': 'letters',
        'description': 'Letters A-J rendered from the fonts of Debian packages, notMNIST-style (not notMNIST); labels 0-9 for A-J',
        'made': how_made(),
        'settings': {'glyphPx': GLYPH_PX, 'side': SIDE, 'facesPerFamily': FACES_PER_FAMILY, 'nearRms': NEAR_RMS,
                     'testShare': TEST_SHARE, 'seed': SEED},
        'software': {'python': platform.python_version(), 'pillow': PIL.__version__,
                     'freetype': features.version('freetype2'), 'numpy': np.__version__},
        'packages': versions,
        'fontFiles': len(files),
        'facesLeftOut': dict(sorted(skipped.items())),
        'repeatedImagesDropped': sum(len(LETTERS) - len(f['kept']) for f in faces),
        'splits': manifest_splits,
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False)
    # One line per font file keeps the manifest readable and small.
    text = re.sub(r'\{\n\s+"file"[^}]*\}', lambda m: json.dumps(json.loads(m.group(0)), ensure_ascii=False), text)
    (out / 'manifest.json').write_text(text + '\n')


if __name__ == '__main__':
    main()
