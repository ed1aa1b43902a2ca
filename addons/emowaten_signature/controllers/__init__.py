from . import agent, main
