"""Pure, deterministic rules of MIC's manual 「自治体DX全体手順書」 section 4.4.

Nothing in this package performs I/O, reads the clock or draws random numbers: the
current time and ids are arguments. Workflows, activities, the API and the CLI all use it.
"""
