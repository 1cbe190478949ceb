"""API keys hold nothing about a person beyond who in HR created one."""

from accounts import privacy

from .models import ApiKey

privacy.not_exported(
    ApiKey, why="who in HR created an API key is the organisation's record of its own configuration"
)
