# sale-tools screen texts
