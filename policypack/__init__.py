"""pai-platform policy pack: mandatory guardrails for Alibaba Cloud stacks (see rules.py)."""

from . import rules  # noqa: F401,E402  (first: the rule modules it registers build on it)
