"""ckanext-poitiers: the open data portal of Poitiers / Grand Poitiers on a stock CKAN."""
