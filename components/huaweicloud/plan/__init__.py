"""Pure planning for ModelArts: the seed-004 catalogue and IAM policy rendering. No Pulumi."""
