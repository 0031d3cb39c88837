"""Alibaba Cloud PAI: `contract` (the stack file's shape and rules) -> `plan/` (pure: catalogue, grants, policies,
quotas) -> `resources/` (the Pulumi components) <- `adapter` (contract to component Args, then build). Rule and
name functions: `naming`, `regions`."""
