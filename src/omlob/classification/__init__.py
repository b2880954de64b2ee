"""Classification of purchase lines: results per batch, confirmations, rules, models."""
