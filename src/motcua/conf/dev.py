"""Local development and the demo: debug pages on, e-mail printed to the console."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("MOTCUA_DEBUG", True)
