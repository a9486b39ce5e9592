"""What the statistics' tests walk through: every number of a statistics answer (page
context or API JSON) with the `/cooperations/` link it stands for."""


def every_link(data: dict):
    """(count, list_url) of every number of the statistics."""
    yield data["total"]["count"], data["total"]["list_url"]
    for table in data["tables"]:
        for row in table["rows"]:
            yield row["count"], row["list_url"]
    for table in data["cross_tables"]:
        for row in table["rows"]:
            for cell in row["cells"]:
                yield cell["count"], cell["list_url"]
