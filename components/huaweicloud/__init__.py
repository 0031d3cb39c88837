"""Huawei Cloud ModelArts: `contract` (the stack file's shape and rules) -> `plan/` (pure: catalogue, policy
rendering) -> `resources/` (the Pulumi components) <- `adapter` (contract to component Args, then build)."""
