"""The SharePoint adapter (REST through office365-rest-python-client, behind our own small interface)."""
