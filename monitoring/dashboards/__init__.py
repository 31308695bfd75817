"""Managers' dashboards (统计分析) and the monthly medical-assistance report (医疗救助月报)."""
