"""The Alibaba Cloud Pulumi components: network, storage, identity, workspace, the bundle that composes them, the
account bootstrap, and the data-source lookups run before anything is registered."""
