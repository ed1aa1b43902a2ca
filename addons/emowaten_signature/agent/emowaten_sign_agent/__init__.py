"""e-Mowaten workstation signing agent (see ``emowaten-sign-agent --help``)."""

# The one place the version is written: the package metadata (pyproject.toml and the
# wheel the server builds) and the version the agent sends to the server read it here.
__version__ = "1.0.0"
