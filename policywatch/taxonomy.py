"""The label space of classified articles, defined once (see shared taxonomy.md).

These are the exact values stored in Elasticsearch, produced by the classifier and
accepted in subscription filters. Anything that validates or displays a label imports
it from here instead of keeping its own list.
"""

REGIONS = (
    "Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin",
    "Heilongjiang", "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
    "Shandong", "Henan", "Hubei", "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing",
    "Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu", "Qinghai", "Ningxia",
    "Xinjiang", "Hong Kong", "Macau", "Taiwan", "National",
)

THEMES = (
    "industrial_upgrading", "digital_economy", "tech_research", "application_scenarios",
    "industrial_parks", "talent", "funding_support", "infrastructure", "regulation",
    "events_cooperation",
)

APPLICATIONS = (
    "e_government", "finance", "traceability", "judicial", "tax_invoicing", "healthcare",
    "supply_chain", "iot", "smart_city", "manufacturing", "trade", "agriculture",
    "real_estate", "education", "social_services", "digital_assets", "energy",
)

DOC_TYPES = ("government_report", "policy_document", "official_speech", "news_report", "commentary")

# Every list-valued label field of an article document and its allowed values.
LABEL_VALUES = {
    "regions": REGIONS,
    "themes": THEMES,
    "applications": APPLICATIONS,
    "doc_type": DOC_TYPES,
}
