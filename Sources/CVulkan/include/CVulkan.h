#ifndef CVULKAN_H
#define CVULKAN_H
// Vulkan types and function-pointer typedefs only: libvulkan.so.1 is opened at run time
// (dlopen), so a binary built against these headers starts on machines without a loader.
#define VK_NO_PROTOTYPES 1
#include <vulkan/vulkan.h>
#endif
