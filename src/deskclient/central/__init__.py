"""The county central office: the service stations sync to (``deskclient central serve``).

Import the submodules you need; this package itself imports nothing heavy.
"""
