"""Salaries: simulation, monthly requests, payroll variables and journal, net pay, payslips, contracts."""
