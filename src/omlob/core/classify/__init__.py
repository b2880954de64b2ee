"""Line-level classification of purchase lines: UNSPSC, Omløb product, labels and measures.

Plain Python (no Django): the cascade in :mod:`.cascade` takes lines as an Arrow table and
the organisation's own knowledge (confirmed lines, rules, supplier trades, a trained model)
as arguments, so the CLI's ``classify-text`` runs it without a database.
"""
