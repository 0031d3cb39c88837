"""The Huawei Cloud Pulumi components: IAM, agency, storage, network, and the bundle that composes them."""
