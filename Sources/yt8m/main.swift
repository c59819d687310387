print("yt8m")
