// Headers-only target; SwiftPM wants one source file.
#include "CVulkan.h"
