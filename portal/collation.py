"""French alphabetical order in SQL, the same on PostgreSQL and SQLite.

A plain `ORDER BY title` compares code points: "Pôle" comes after "Protocole" ("ô" is
U+00F4, beyond every ASCII letter) and every capital before every small letter. French
order compares letters first, then accents, then case. `french(expression)` wraps an
ordering expression in a collation that does so:

- PostgreSQL: ICU's French collation, `"fr-x-icu"` (present whenever PostgreSQL is built
  with ICU, as the Debian, Ubuntu, RHEL and official Docker packages are);
- SQLite: a collation function named `french`, registered on every new connection
  (`register_sqlite_collation`, connected in PortalConfig.ready()), with the same three
  levels computed in Python.

Only the order changes: equality, indexes and stored text are untouched."""

import functools
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

POSTGRESQL_COLLATION = "fr-x-icu"
SQLITE_COLLATION = "french"

# Letters that Unicode does not decompose but French sorts as two.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


class FrenchCollate(Collate):
    """`expression COLLATE <French collation of the connection's database>`."""

    def __init__(self, expression):
        super().__init__(expression, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        extra_context["collation"] = connection.ops.quote_name(SQLITE_COLLATION)
        return self.as_sql(compiler, connection, **extra_context)


def french(expression) -> FrenchCollate:
    """`expression` (a field name or an expression) ordered the French way: use it in
    `order_by(french("title"))`, or `.desc()` / `.asc(nulls_last=True)` on it."""
    if isinstance(expression, str):
        expression = F(expression)
    return FrenchCollate(expression)


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> tuple:
    """French order in three levels: base letters (without accents or case), then
    accents, then case (small letters first, as ICU does)."""
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    return (base.casefold(), decomposed.casefold(), tuple(char.isupper() for char in base), text)


def compare(first: str, second: str) -> int:
    """SQLite's collation callback: negative, zero or positive."""
    first_key, second_key = sort_key(first), sort_key(second)
    return (first_key > second_key) - (first_key < second_key)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: teach each new SQLite connection the French order."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)
