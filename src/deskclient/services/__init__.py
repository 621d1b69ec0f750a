"""Services: the work that touches files, printers, the network and the ledger on behalf of the UI."""
