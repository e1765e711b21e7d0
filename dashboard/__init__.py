"""Figures and charts of how the chantiers, meetings, newsletter and expertise are doing."""
