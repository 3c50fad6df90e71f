"""Blockchain-policy classifier: labels of ../shared/taxonomy.md with evidence."""
