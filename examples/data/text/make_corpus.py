#!/usr/bin/env python3
"""Build the "Python or Perl?" bag-of-words corpus in examples/data/text/.

Run from the repository root:

    python3 examples/data/text/make_corpus.py --lists DIR

Standard library only; the output depends only on the two input files and on
the constants below (no clock, no hash randomisation, fixed seeds), so the same
inputs give byte-identical outputs.  The committed outputs are the reference:
APT lists on another machine, or a later Debian point release, give other
packages and so other files (the script says so when the inputs' SHA-256
differ from the ones recorded below).

Source
------
The English package descriptions of Debian 12 "bookworm", component main,
as published in the archive's index files:

  * main/binary-amd64/Packages    : Package, Source, Version, Section,
                                    Description-md5 of every binary package;
  * main/i18n/Translation-en      : the full English description (short
                                    synopsis + long description) per
                                    (Package, Description-md5).

Debian's Packages index carries only the one-line synopsis; the long
descriptions live in Translation-en, which Debian's Docker-style images do not
download (Acquire::Languages "none").  To fetch both into a private directory
without touching the system's APT state (as root):

    mkdir -p /tmp/apt-en/lists/partial /tmp/apt-en/cache/archives/partial
    apt-get -o Dir::State::Lists=/tmp/apt-en/lists \\
            -o Dir::Cache=/tmp/apt-en/cache -o Acquire::Languages=en update

The files used for the committed outputs (APT list files, named
<mirror>_debian_dists_bookworm_main_..., fetched on 2026-12-01; their signed
InRelease says Debian 12.15, Date: Sat, 11 Jul 2026 10:16:37 UTC):

  ..._binary-amd64_Packages.lz4   18840233 bytes; 50060337 bytes decompressed
  ..._i18n_Translation-en.lz4     12629372 bytes; 32699363 bytes decompressed

(their SHA-256 are in EXPECTED_SHA256; the script also checks them against the
InRelease in the same directory when it is there).  bookworm-updates and
bookworm-security are not used.

Task and selection
------------------
Label 1: the package is in Debian section "python"; label 0: section "perl".
  * one document per (source package, section): of the binary packages built
    from one source into that section, the first by package name (so
    python3-foo and python3-foo-extra do not both appear);
  * source packages that build into both sections (29 of them, e.g. language
    bindings such as subversion or graphviz) are left out;
  * N_PER_CLASS documents are drawn from each class with random.Random(SEED);
  * document text = synopsis + long description (the " ." paragraph
    separators removed).

Tokenisation
------------
Lower-case; URLs (anything with "://") removed; tokens are maximal runs of
letters (Unicode letters, no digits or "_"), kept if at least 2 letters long,
not in STOP_WORDS (a short English function-word list) and not a giveaway:
"py", "pl", and any token starting with "python" or "perl".  Without that
rule "python" alone is in 84 % of the Python documents and "perl" in 60 % of
the Perl ones, and the example would learn little else; with it the model has
to find the ecosystems' vocabulary (cpan, moose, django, pytest, ...).

Split
-----
Stratified 80/20: each class is shuffled with random.Random(SEED + 1) and its
first 20 % (rounded down) goes to the test set; each set is then shuffled with
random.Random(SEED + 2) so that the classes are interleaved.  Every source
package appears at most once in the corpus, so no package is in both sets
(descriptions of sibling packages, e.g. Tryton or OpenStack modules, can still
be alike).

Vocabulary (from the training documents only)
---------------------------------------------
Words in at least MIN_DF training documents and in at most MAX_DF_FRACTION of
them; if more than MAX_VOCAB remain, the MAX_VOCAB with the highest document
frequency (ties: alphabetical) are kept.  Feature indices are 1-based in
alphabetical order of the words: line k of vocabulary.txt is feature k.

Weighting
---------
tf-idf with sublinear tf, idf from the training documents:
    w(t, d) = (1 + ln tf(t, d)) * (ln((1 + n) / (1 + df(t))) + 1),
n = number of training documents, df = training document frequency (the
smoothed idf of scikit-learn's TfidfVectorizer); each row is then scaled to
unit L2 norm.  Words outside the vocabulary are ignored.

Outputs (in the directory of this script)
-----------------------------------------
  train.svm, test.svm : libsvm format, one document per line,
                        "label index:value ...", labels 1 (python) / 0 (perl),
                        indices 1-based and strictly increasing, values printed
                        with 9 significant digits ("%.9g");
  vocabulary.txt      : one word per line, line k = feature index k;
  documents.tsv       : one row per document, in file order: file, line,
                        label, package, version, source (attribution, and
                        to look up what a misclassified row is).
"""

import argparse
import bz2
import collections
import glob
import gzip
import hashlib
import lzma
import math
import os
import random
import re
import shutil
import subprocess
import sys

SEED = 20261201
N_PER_CLASS = 2500
TEST_FRACTION = 0.2
MIN_DF = 3
MAX_DF_FRACTION = 0.8
MAX_VOCAB = 8000
POSITIVE, NEGATIVE = "python", "perl"   # label 1, label 0

EXPECTED_SHA256 = {
    "main/binary-amd64/Packages":
        "515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f",
    "main/i18n/Translation-en":
        "62f59c3cdca9786e4f7adf9002f9f5729a684adcb4667e58e448dec9b5a46c7f",
}

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because
been before being below between both but by can cannot could did do does doing
down during each either etc few for from further had has have having he her
here hers him his how however i if in into is it its itself just may me might
more most much must my no nor not now of off on once one only or other our ours
out over own per same shall she should so some such than that the their theirs
them then there these they this those through thus to too under until up upon
us using very via was we were what when where whether which while who whom why
will with within without would yet you your
""".split())

URL_RE = re.compile(r"\S+://\S+")
WORD_RE = re.compile(r"[^\W\d_]+")


def is_giveaway(token):
    return (token in ("py", "pl")
            or token.startswith(POSITIVE) or token.startswith(NEGATIVE))


def tokenize(text):
    text = URL_RE.sub(" ", text.lower())
    return [t for t in WORD_RE.findall(text)
            if len(t) >= 2 and t not in STOP_WORDS and not is_giveaway(t)]


def read_index(path):
    """Decompressed bytes of an APT index file (plain, .lz4, .xz, .gz, .bz2)."""
    if path.endswith(".lz4"):
        for cmd in (["/usr/lib/apt/apt-helper", "cat-file", path],
                    ["lz4cat", path]):
            if shutil.which(cmd[0]):
                return subprocess.run(cmd, check=True,
                                      stdout=subprocess.PIPE).stdout
        sys.exit("need /usr/lib/apt/apt-helper or lz4cat to read " + path)
    opener = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}.get(
        os.path.splitext(path)[1], open)
    with opener(path, "rb") as f:
        return f.read()


def stanzas(data):
    """deb822 paragraphs as dicts; continuation lines joined with newlines."""
    for block in data.decode("utf-8").split("\n\n"):
        fields, key = {}, None
        for line in block.split("\n"):
            if not line:
                continue
            if line[0] in " \t":
                fields[key] += "\n" + line[1:]
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields:
            yield fields


def inrelease_sha256(lists_dir, index_file):
    """The SHA-256 that the bookworm InRelease beside index_file gives it."""
    release = index_file.split("_dists_bookworm_")[0] + "_dists_bookworm_InRelease"
    path = os.path.join(lists_dir, os.path.basename(release))
    if not os.path.exists(path):
        return {}
    sums, in_sha256 = {}, False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith(" "):
                in_sha256 = line.startswith("SHA256:")
            elif in_sha256:
                digest, _size, name = line.split()
                sums[name] = digest
    return sums


def find_input(lists_dir, suffix):
    stem = "_dists_bookworm_main_" + suffix
    found = sorted(p for p in glob.glob(os.path.join(lists_dir, "*" + stem + "*"))
                   if p.split(stem, 1)[1] in ("", ".lz4", ".xz", ".gz", ".bz2"))
    if not found:
        sys.exit("no *_dists_bookworm_main_%s* in %s (see the top of this "
                 "script for how to fetch it)" % (suffix, lists_dir))
    return found[0]


def load_inputs(lists_dir):
    files = {"main/binary-amd64/Packages": find_input(lists_dir, "binary-amd64_Packages"),
             "main/i18n/Translation-en": find_input(lists_dir, "i18n_Translation-en")}
    data = {}
    for name, path in files.items():
        raw = read_index(path)
        digest = hashlib.sha256(raw).hexdigest()
        signed = inrelease_sha256(lists_dir, path).get(name)
        print("%s: %d bytes (%d decompressed), sha256 %s" % (
            os.path.basename(path), os.path.getsize(path), len(raw), digest))
        if signed is not None and signed != digest:
            sys.exit("  does not match its InRelease (%s)" % signed)
        if digest != EXPECTED_SHA256[name]:
            print("  WARNING: not the file the committed outputs were made "
                  "from; the outputs will differ", file=sys.stderr)
        data[name] = raw
    return data["main/binary-amd64/Packages"], data["main/i18n/Translation-en"]


def select_documents(packages, translations):
    text_of = {}
    for t in stanzas(translations):
        text_of[(t["Package"], t["Description-md5"])] = t["Description-en"]
    per_section = {POSITIVE: {}, NEGATIVE: {}}
    binaries = sorted(stanzas(packages), key=lambda p: p["Package"])
    for p in binaries:
        section = p.get("Section", "")
        if section not in per_section:
            continue
        source = p.get("Source", p["Package"]).split()[0]
        if source in per_section[section]:
            continue
        lines = text_of[(p["Package"], p["Description-md5"])].split("\n")
        text = "\n".join(l for l in lines if l.strip() != ".")
        per_section[section][source] = dict(
            package=p["Package"], version=p["Version"], source=source,
            section=section, text=text)
    both = set(per_section[POSITIVE]) & set(per_section[NEGATIVE])
    print("sources in both sections, left out: %d" % len(both))
    rng = random.Random(SEED)
    chosen = {}
    for section, docs in per_section.items():
        pool = [docs[s] for s in sorted(docs) if s not in both]
        print("%s: %d source packages, drawing %d" % (
            section, len(pool), min(N_PER_CLASS, len(pool))))
        chosen[section] = sorted(rng.sample(pool, min(N_PER_CLASS, len(pool))),
                                 key=lambda d: d["source"])
    return chosen


def split(chosen):
    rng = random.Random(SEED + 1)
    train, test = [], []
    for section, label in ((POSITIVE, 1), (NEGATIVE, 0)):
        docs = list(chosen[section])
        rng.shuffle(docs)
        n_test = int(len(docs) * TEST_FRACTION)
        for i, d in enumerate(docs):
            d["label"] = label
            (test if i < n_test else train).append(d)
    rng = random.Random(SEED + 2)
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def build_vocabulary(train):
    df = collections.Counter()
    for d in train:
        df.update(set(d["tokens"]))
    n = len(train)
    kept = [w for w, c in df.items() if c >= MIN_DF and c <= MAX_DF_FRACTION * n]
    kept.sort(key=lambda w: (-df[w], w))
    vocabulary = sorted(kept[:MAX_VOCAB])
    idf = [math.log((1 + n) / (1 + df[w])) + 1 for w in vocabulary]
    return vocabulary, idf


def vectorize(tokens, index, idf):
    tf = collections.Counter(t for t in tokens if t in index)
    row = sorted((index[t] + 1, (1 + math.log(c)) * idf[index[t]])
                 for t, c in tf.items())
    norm = math.sqrt(sum(v * v for _, v in row))
    return [(j, v / norm) for j, v in row]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lists", default="/var/lib/apt/lists",
                    help="directory with the bookworm main Packages and "
                         "Translation-en files (default: %(default)s)")
    ap.add_argument("--out", default=here, help="output directory (default: "
                    "the script's own)")
    args = ap.parse_args()

    packages, translations = load_inputs(args.lists)
    train, test = split(select_documents(packages, translations))
    for d in train + test:
        d["tokens"] = tokenize(d["text"])
    vocabulary, idf = build_vocabulary(train)
    index = {w: i for i, w in enumerate(vocabulary)}

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "vocabulary.txt"), "w",
              encoding="utf-8", newline="\n") as f:
        f.writelines(w + "\n" for w in vocabulary)
    tsv = [("file", "line", "label", "package", "version", "source")]
    for name, docs in (("train.svm", train), ("test.svm", test)):
        nnz = empty = 0
        with open(os.path.join(args.out, name), "w", encoding="ascii",
                  newline="\n") as f:
            for line, d in enumerate(docs, 1):
                row = vectorize(d["tokens"], index, idf)
                nnz += len(row)
                empty += not row
                f.write(" ".join([str(d["label"])] +
                                 ["%d:%.9g" % (j, v) for j, v in row]) + "\n")
                tsv.append((name, str(line), str(d["label"]), d["package"],
                            d["version"], d["source"]))
        pos = sum(d["label"] for d in docs)
        print("%s: %d documents (%d label 1 %s, %d label 0 %s), %d non-zeros, "
              "density %.4f %%, %d empty rows" % (
                  name, len(docs), pos, POSITIVE, len(docs) - pos, NEGATIVE,
                  nnz, 100.0 * nnz / (len(docs) * len(vocabulary)), empty))
    with open(os.path.join(args.out, "documents.tsv"), "w", encoding="utf-8",
              newline="\n") as f:
        f.writelines("\t".join(r) + "\n" for r in tsv)
    print("vocabulary: %d words" % len(vocabulary))


if __name__ == "__main__":
    main()
