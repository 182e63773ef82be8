// Marks the page as scripted, so map-only controls show and no-script fallbacks can hide.
document.documentElement.classList.add("js");
