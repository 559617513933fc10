"""The v1 endpoints, one module per resource. Thin: the key's MP, a scope check, a selector or a service, a
serializer. ``base`` holds what they share."""
