"""The warehouse: SQL models over the lake, their tests, the published marts, the report.

    from warehouse.runner import build_warehouse, open_warehouse, WarehouseTestError
    from warehouse.report import write_report
    from warehouse.data_dictionary import render_data_dictionary
"""
