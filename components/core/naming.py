"""Name rules every cloud shares: stable keys from config and the stack's name prefix. Pure Python.

A key becomes part of logical names (URNs) and physical names, so it is short, lowercase and DNS-safe on both
clouds; the prefix starts every physical name of a stack.
"""

KEY_RE = r"[a-z][a-z0-9-]{0,22}[a-z0-9]|[a-z]"
KEY_RULE = "is not a key (1-24 lowercase letters, digits or '-', starting with a letter, not ending with '-')"
PREFIX_RE = r"[a-z][a-z0-9-]{0,14}[a-z0-9]"
PREFIX_RULE = "is not a name prefix (2-16 lowercase letters, digits or '-', starting with a letter)"
