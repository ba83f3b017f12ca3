"""naervaer: follow up worrying school and kindergarten absence after Ås kommune's guide."""

__version__ = "0.1.0"
