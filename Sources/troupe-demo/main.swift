print("troupe-demo")
