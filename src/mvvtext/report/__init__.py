"""Reports: a self-contained HTML report and an Excel workbook of a ranking."""
from mvvtext.report._html import write_html_report
from mvvtext.report._xlsx import write_xlsx_report

__all__ = ["write_html_report", "write_xlsx_report"]
