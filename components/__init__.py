"""pai-platform components: `core/` (shared: config reading, errors, contract building blocks, the cloud registry),
then one package per cloud with the same inner shape (`alicloud/`, `huaweicloud/`): contract, plan, resources,
adapter."""
