"""The files service: upload receipts, storage notifications, signed download URLs."""
