"""Harvesters of the city's sources, on ckanext-harvest.

``base`` holds what every harvester shares (HTTP client, source configuration, guid, names,
content hash, withdrawals, sanitising); each source has a module with its gather logic and a
``*_mapping`` module of pure functions (remote record → dataset dict) tested without CKAN.
"""
