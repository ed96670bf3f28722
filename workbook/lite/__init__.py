"""The zero-install edition (JupyterLite): `workbook lite build` and `workbook lite serve`."""
