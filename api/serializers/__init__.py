"""The API representation of each resource, one module per resource; ``common`` holds what every endpoint shares."""
