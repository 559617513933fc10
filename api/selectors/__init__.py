"""What a key's MP may read, one module per resource: the portal's own selectors, scoped to the key's MP instead of a
signed-in person. Another MP's object is not found (404), exactly as in the portal."""

# The largest ``id`` (a PostgreSQL integer): a larger number in a path names nothing (and makes no query).
MAX_ID = 2**31 - 1
