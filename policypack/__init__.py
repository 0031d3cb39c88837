"""pai-platform policy pack: mandatory guardrails for Alibaba Cloud stacks (see rules.py)."""
