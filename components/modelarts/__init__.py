"""Huawei Cloud ModelArts workspace components (pulumi-huaweicloud): catalogue, policy rendering, IAM, agency,
storage, network and the bundle that composes them. ``catalogue`` and ``policy`` are pure and import no Pulumi."""
