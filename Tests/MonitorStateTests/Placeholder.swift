// placeholder (remove when the target has real files)
