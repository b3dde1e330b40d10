__version__ = "22.0.0"
