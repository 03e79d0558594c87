#!/usr/bin/python3
"""Convert scikit-learn's bundled copies of three small UCI data sets into the CSV files shipped here.

Run once, from this folder, with Debian's scikit-learn (`apt-get install python3-sklearn`):

    /usr/bin/python3 convert.py

It writes digits.csv, breast-cancer.csv and wine.csv, compresses each with `gzip -9 -n` (no name or
timestamp in the header, so the bytes are reproducible) and prints the SHA-256 of every uncompressed
file and the size of every compressed one, for README.md. No network: the data come from the files
inside the scikit-learn package.

Format of every file: one header line, then one sample a line, comma-separated; the first column,
`target`, is the class index (0, 1, ...), the others are the features in scikit-learn's order.
Numbers are written as Python's shortest round-trip repr, integers without a decimal point.
"""
import hashlib
import subprocess

import sklearn
from sklearn import datasets


def number(v):
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def write(name, bunch, feature_names):
    path = f'{name}.csv'
    with open(path, 'w', newline='\n') as out:
        out.write(','.join(['target', *feature_names]) + '\n')
        for row, t in zip(bunch.data, bunch.target):
            out.write(','.join([str(int(t)), *(number(v) for v in row)]) + '\n')
    raw = open(path, 'rb').read()
    subprocess.run(['gzip', '-9', '-n', '-f', path], check=True)
    size = len(open(path + '.gz', 'rb').read())
    print(f'{hashlib.sha256(raw).hexdigest()}  {path}  ({len(raw)} B, {size} B gzipped; {bunch.data.shape[0]} samples x {bunch.data.shape[1]} features, classes {list(bunch.target_names)})')


print(f'scikit-learn {sklearn.__version__}')
digits = datasets.load_digits()
write('digits', digits, [f'pixel_{r}_{c}' for r in range(8) for c in range(8)])
cancer = datasets.load_breast_cancer()
write('breast-cancer', cancer, [n.replace(' ', '_') for n in cancer.feature_names])
wine = datasets.load_wine()
write('wine', wine, list(wine.feature_names))
