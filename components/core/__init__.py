"""The shared core: config reading and one-line errors (public API), contract building blocks, shared name rules,
stack tags, and the cloud registry. Imports no cloud's package."""
