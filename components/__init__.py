"""pai-platform components: pure modules (catalogue, policy, grants, naming, config) and the Pulumi components
(network, storage, identity, workspace, bundle) they feed."""
