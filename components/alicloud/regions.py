"""Alibaba Cloud region ids, and which zone ids belong to a region. Pure Python, a fact table with its sources.

Region ids (public cloud and the finance clouds) as the region lists of Alibaba Cloud's documentation give them:
- Container Compute Service "Supported regions" (https://help.aliyun.com/en/cs/product-overview/open-service-area):
  cn-hangzhou ... cn-hongkong, ap-northeast-1/2, ap-southeast-1/3/5/6/7/8, us-east-1, us-west-1, us-southeast-1,
  eu-central-1, eu-west-1, me-east-1;
- "Common region IDs" (https://www.alibabacloud.com/help/doc-detail/140601.htm): cn-zhangjiakou, me-east-1;
- ApsaraVideo Live endpoints (https://help.aliyun.com/en/live/developer-reference/api-live-2016-11-01-endpoint):
  me-central-1 (Saudi Arabia, Riyadh);
- API Gateway regions (https://help.aliyun.com/en/api-gateway/cloud-native-api-gateway/product-overview/regions):
  cn-shanghai-finance-1 (finance cloud).
A region the table lacks is refused with a did-you-mean: add it here, with its source, when Alibaba opens one.

Zone ids come in two forms (Elastic Container Instance "Regions and zones", https://www.alibabacloud.com/help/
doc-detail/89155.html, lists zone ids per region): in mainland China and Hong Kong the region id, a hyphen and a
letter (`cn-hangzhou-h`, `cn-hongkong-b`); elsewhere the letter follows the region id's trailing digit directly (`ap-southeast-1a`,
`eu-central-1a`, `us-west-1b`). Both forms are accepted for any region: the cloud, not this table, knows which
zones a region has today.
"""

from __future__ import annotations

import difflib
import re

REGIONS: dict[str, str] = {
    "cn-qingdao": "China (Qingdao)",
    "cn-beijing": "China (Beijing)",
    "cn-zhangjiakou": "China (Zhangjiakou)",
    "cn-huhehaote": "China (Hohhot)",
    "cn-wulanchabu": "China (Ulanqab)",
    "cn-hangzhou": "China (Hangzhou)",
    "cn-shanghai": "China (Shanghai)",
    "cn-shenzhen": "China (Shenzhen)",
    "cn-heyuan": "China (Heyuan)",
    "cn-guangzhou": "China (Guangzhou)",
    "cn-chengdu": "China (Chengdu)",
    "cn-hongkong": "China (Hong Kong)",
    "cn-shanghai-finance-1": "China East 2 Finance",
    "ap-northeast-1": "Japan (Tokyo)",
    "ap-northeast-2": "South Korea (Seoul)",
    "ap-southeast-1": "Singapore",
    "ap-southeast-3": "Malaysia (Kuala Lumpur)",
    "ap-southeast-5": "Indonesia (Jakarta)",
    "ap-southeast-6": "Philippines (Manila)",
    "ap-southeast-7": "Thailand (Bangkok)",
    "ap-southeast-8": "Malaysia (Johor)",
    "us-east-1": "US (Virginia)",
    "us-west-1": "US (Silicon Valley)",
    "us-southeast-1": "US (Atlanta)",
    "eu-central-1": "Germany (Frankfurt)",
    "eu-west-1": "UK (London)",
    "me-east-1": "UAE (Dubai)",
    "me-central-1": "Saudi Arabia (Riyadh)",
}

REGION_RULE = "is not an Alibaba Cloud region id"


def check_region(region: str) -> str:
    """`region` if it is a known region id; else ValueError with the closest ids."""
    if region in REGIONS:
        return region
    raise ValueError(f"{REGION_RULE}{did_you_mean(region, REGIONS, n=1)}")


def zone_in_region(zone: str, region: str) -> bool:
    """Whether `zone` is a zone id of `region`, in either form (`cn-hangzhou-h`, `ap-southeast-1a`)."""
    return re.fullmatch(re.escape(region) + r"-?[a-z]", zone) is not None


def zone_example(region: str) -> str:
    """A zone id of `region` in the form that region uses (`cn-hangzhou-h`, `ap-southeast-1a`)."""
    return f"{region}a" if region[-1:].isdigit() else f"{region}-h"


def did_you_mean(value: str, choices, n: int = 3) -> str:
    """' (did you mean: a, b?)' for the closest choices, or '' when none is close."""
    close = difflib.get_close_matches(value, list(choices), n=n, cutoff=0.75)
    return f" (did you mean: {', '.join(close)}?)" if close else ""
