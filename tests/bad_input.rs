// Bad input: one clear message and a non-zero exit.
