"""The async tier: written once here, generated into ``plugipay._sync`` by ``codegen/``."""
