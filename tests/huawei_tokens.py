"""Short aliases of the pulumi-huaweicloud tokens the ModelArts tests use, read from `offline.tokens` (SDK 0.0.12)."""

from offline import tokens as T

USER = T.HW_USER
GROUP = T.HW_GROUP
ROLE = T.HW_ROLE
ASSIGNMENT = T.HW_ASSIGNMENT
MEMBERSHIP = T.HW_MEMBERSHIP
AGENCY = T.HW_AGENCY
BUCKET = T.HW_BUCKET
TURBO = T.HW_TURBO
VPC = T.HW_VPC
SUBNET = T.HW_SUBNET
SECGROUP = T.HW_SECGROUP
GET_ROLE = T.HW_GET_ROLE
